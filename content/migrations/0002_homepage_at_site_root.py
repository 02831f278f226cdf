"""Replace Wagtail's default welcome page with SIRANo's HomePage at the default site's root.

Idempotent: if a HomePage already exists, it only makes sure a default site serves it.
Reversible: backwards, the HomePage is swapped back for a plain page (childless pages only).
"""

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's MP_Node alphabet in Wagtail
STEPLEN = 4

HOME_TITLE = "SIRANo — projets de recherche appliquée en santé financés par la DGOS"
HOME_INTRO = (
    "<p>SIRANo suit les projets de recherche appliquée en santé financés par la Direction générale "
    "de l'offre de soins (DGOS) : leurs jalons, les tranches de financement qu'ils déclenchent "
    "et les crédits délégués aux établissements.</p>"
)


def _encode(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def _next_child_path(Page, parent) -> str:
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    step = int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
    return parent.path + _encode(step)


def _refresh_numchild(Page, parent) -> None:
    parent.numchild = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).count()
    parent.save(update_fields=["numchild"])


def _swap_site_root(apps, *, old_page, new_model, content_type, **fields):
    """Create `new_model` next to `old_page`, point the sites at it, then drop `old_page`."""
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    root = Page.objects.filter(depth=1).order_by("path").first()
    new_page = new_model.objects.create(
        content_type=content_type,
        path=_next_child_path(Page, root),
        depth=2,
        numchild=0,
        live=True,
        has_unpublished_changes=False,
        locale_id=old_page.locale_id if old_page else _default_locale_id(apps),
        **fields,
    )
    if old_page is not None:
        Site.objects.filter(root_page_id=old_page.pk).update(root_page=new_page)
        if old_page.numchild == 0:
            Page.objects.filter(pk=old_page.pk).delete()
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(
            hostname="localhost", port=80, site_name="SIRANo", root_page=new_page, is_default_site=True
        )
    _refresh_numchild(Page, root)
    return new_page


def _default_locale_id(apps):
    Locale = apps.get_model("wagtailcore", "Locale")
    locale = Locale.objects.order_by("pk").first() or Locale.objects.create(language_code="fr")
    return locale.pk


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("content", "HomePage")

    home = HomePage.objects.order_by("path").first()
    if home is not None:  # already done: only make sure the default site serves it
        if not Site.objects.filter(is_default_site=True).exists():
            Site.objects.create(
                hostname="localhost", port=80, site_name="SIRANo", root_page_id=home.pk, is_default_site=True
            )
        return
    if not Page.objects.filter(depth=1).exists():
        return  # no page tree (wagtailcore's initial data was removed): nothing to attach to
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    default_site = Site.objects.filter(is_default_site=True).first()
    welcome = None
    if default_site is not None:
        candidate = Page.objects.get(pk=default_site.root_page_id)
        if candidate.content_type_id == page_type.pk and candidate.depth == 2:
            welcome = candidate  # the plain "Welcome to your new Wagtail site!" page
    home_type, _ = ContentType.objects.get_or_create(app_label="content", model="homepage")
    _swap_site_root(
        apps,
        old_page=welcome,
        new_model=HomePage,
        content_type=home_type,
        title=HOME_TITLE,
        draft_title=HOME_TITLE,
        slug="accueil",
        url_path="/accueil/",
        intro=HOME_INTRO,
        seo_title="Accueil",
    )


def remove_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("content", "HomePage")
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    for home in HomePage.objects.filter(numchild=0):
        _swap_site_root(
            apps,
            old_page=home,
            new_model=Page,
            content_type=page_type,
            title="Welcome to your new Wagtail site!",
            draft_title="Welcome to your new Wagtail site!",
            slug="home",
            url_path="/home/",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
