"""Texts of the pages every French State website must carry (mentions légales, données
personnelles, gestion des cookies, déclaration d'accessibilité RGAA), created by the demo as
editable Wagtail pages: the communication team and the DPO keep them up to date in the admin."""

from __future__ import annotations

LEGAL_NOTICE = (
    "<h2>Éditeur</h2>"
    "<p>Ce site est édité par la Direction générale de l'offre de soins (DGOS), ministère chargé de "
    "la santé, 14 avenue Duquesne, 75350 Paris 07 SP.</p>"
    "<h2>Directeur de la publication</h2>"
    "<p>Le directeur général de l'offre de soins.</p>"
    "<h2>Hébergement</h2>"
    "<p>Le site est hébergé en France par les services du ministère chargé de la santé.</p>"
    "<h2>Réutilisation des contenus et des données</h2>"
    "<p>Les données publiées (annuaire des projets, indicateurs, fichiers de la rubrique « Données "
    'ouvertes ») sont réutilisables librement sous <a href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/">'
    "Licence Ouverte / Open Licence version 2.0</a>, en citant la source (« DGOS — SIRANo ») et la "
    "date de la publication.</p>"
    "<h2>Sources et crédits</h2>"
    "<ul><li>Système de design de l'État (DSFR), réservé aux sites de l'État.</li>"
    "<li>Contours des régions de la carte des financements : IGN, Admin Express, simplifiés par "
    "Grégoire David (france-geojson), Licence Ouverte / Etalab.</li></ul>"
    "<h2>Liens vers d'autres sites</h2>"
    "<p>Les liens vers les registres d'essais et les publications mènent à des sites dont la DGOS "
    "ne maîtrise pas le contenu.</p>"
)

PERSONAL_DATA = (
    "<h2>Responsable du traitement</h2>"
    "<p>La Direction générale de l'offre de soins (DGOS) est responsable des traitements de données "
    "personnelles de SIRANo, dans le cadre de sa mission d'intérêt public de financement et de suivi "
    "de la recherche appliquée en santé (article 6-1-e du règlement général sur la protection des "
    "données).</p>"
    "<h2>Données publiées</h2>"
    "<p>Pour chaque projet financé, SIRANo publie le nom et le prénom de son porteur et "
    "l'établissement qui le coordonne, comme le fait le fichier de données ouvertes du ministère. "
    "Aucune autre donnée personnelle n'est publiée.</p>"
    "<h2>Espace établissements</h2>"
    "<p>Pour les comptes des établissements et des agents : nom, prénom, adresse électronique, "
    "établissement de rattachement et journal des actions (qui a déclaré, soumis ou validé quoi, et "
    "quand). Ces données servent à gérer les accès et à garder la trace des décisions de "
    "financement ; elles sont conservées pendant la durée du compte, et le journal pendant la "
    "durée d'archivage des pièces comptables.</p>"
    "<h2>Visiteurs du site public</h2>"
    "<p>La consultation du site public ne demande aucune donnée personnelle et ne fait l'objet "
    "d'aucune mesure d'audience ni d'aucun suivi.</p>"
    "<h2>Vos droits</h2>"
    "<p>Vous pouvez accéder aux données qui vous concernent, les faire rectifier ou vous opposer à "
    "leur traitement en écrivant à l'adresse de contact indiquée en bas de page. Si vous estimez "
    "que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL "
    '(<a href="https://www.cnil.fr">cnil.fr</a>).</p>'
)

COOKIES = (
    "<h2>Aucun cookie de suivi</h2>"
    "<p>SIRANo n'utilise aucun cookie de mesure d'audience, de publicité ni de suivi, et n'intègre "
    "aucun service tiers qui en déposerait. C'est pourquoi aucun bandeau ne vous demande votre "
    "consentement.</p>"
    "<h2>Cookies strictement nécessaires</h2>"
    "<p>Seuls des cookies indispensables au service sont déposés, et seulement quand vous en avez "
    "besoin :</p>"
    "<ul><li><strong>sessionid</strong> : garde votre connexion à l'espace établissements ou à "
    "l'administration, le temps de la session ;</li>"
    "<li><strong>csrftoken</strong> : protège les formulaires contre les requêtes falsifiées.</li></ul>"
    "<p>Ces cookies sont exemptés de consentement (article 82 de la loi Informatique et Libertés). "
    "Le choix du thème d'affichage (clair ou sombre) est gardé dans votre navigateur, sans être "
    "transmis au site.</p>"
)

ACCESSIBILITY = (
    "<p>Le ministère chargé de la santé s'engage à rendre ses sites internet accessibles "
    "conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration "
    "d'accessibilité s'applique au site public de SIRANo.</p>"
    "<h2>État de conformité</h2>"
    "<p>SIRANo est <strong>non conforme</strong> avec le référentiel général d'amélioration de "
    "l'accessibilité (RGAA), version 4.1 : aucun audit de conformité n'a encore été réalisé. Le "
    "statut sera mis à jour à l'issue de l'audit.</p>"
    "<h2>Résultats des tests</h2>"
    "<p>Les pages de l'accueil, de l'annuaire, d'un projet, des indicateurs et des données ouvertes "
    "sont vérifiées à chaque version, sur mobile (375 pixels de large) et sur ordinateur, avec "
    "l'outil axe-core (aucune anomalie grave ni critique) et des contrôles manuels. Un audit complet "
    "du RGAA par un organisme indépendant reste à mener ; il donnera le taux de conformité.</p>"
    "<h2>Contenus non accessibles</h2>"
    "<ul><li>Les graphiques des indicateurs sont accompagnés d'un texte alternatif et de leur tableau "
    "de données ; la carte des financements l'est de son tableau par région.</li>"
    "<li>Les documents PDF déposés par les établissements dans leur espace ne sont pas publiés et "
    "ne sont pas vérifiés.</li></ul>"
    "<h2>Établissement de cette déclaration</h2>"
    "<p>Technologies utilisées : HTML, CSS, SVG, JavaScript (système de design de l'État). "
    "Navigateur de test : Chromium (tests automatisés à chaque version).</p>"
    "<h2>Retour d'information et contact</h2>"
    "<p>Si vous n'arrivez pas à accéder à un contenu ou à un service, écrivez-nous à l'adresse de "
    "contact indiquée en bas de page : nous vous orienterons vers une alternative accessible ou vous "
    "transmettrons le contenu sous une autre forme.</p>"
    "<h2>Voies de recours</h2>"
    "<p>Si vous nous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un contenu "
    "et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez écrire au Défenseur des "
    'droits (<a href="https://formulaire.defenseurdesdroits.fr">formulaire en ligne</a>), '
    "contacter son délégué dans votre région, ou lui écrire par courrier gratuit : Défenseur des "
    "droits, Libre réponse 71120, 75342 Paris CEDEX 07.</p>"
)

#: slug -> (title, intro, body HTML, SiteIdentity field)
PAGES = {
    "mentions-legales": (
        "Mentions légales",
        "Qui édite ce site, qui l'héberge et comment réutiliser ses contenus.",
        LEGAL_NOTICE,
        "legal_notice_page",
    ),
    "donnees-personnelles": (
        "Données personnelles",
        "Quelles données personnelles SIRANo traite, pourquoi, et comment exercer vos droits.",
        PERSONAL_DATA,
        "personal_data_page",
    ),
    "gestion-des-cookies": (
        "Gestion des cookies",
        "Ce site n'utilise aucun cookie de suivi : seuls des cookies strictement nécessaires sont déposés.",
        COOKIES,
        "cookies_page",
    ),
    "accessibilite": (
        "Déclaration d'accessibilité",
        "État de conformité de SIRANo au référentiel général d'amélioration de l'accessibilité (RGAA).",
        ACCESSIBILITY,
        "accessibility_page",
    ),
}
