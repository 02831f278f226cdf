"""Queue filters the Django admin machinery cannot infer: age in the current state, days late."""

from __future__ import annotations

import datetime

from django.contrib.admin import SimpleListFilter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: (value, label, min days, max days or None)
AGE_BUCKETS = [
    ("0-7", _("moins de 7 jours"), 0, 7),
    ("7-30", _("7 à 30 jours"), 7, 30),
    ("30-90", _("30 à 90 jours"), 30, 90),
    ("90+", _("plus de 90 jours"), 90, None),
]


class AgeFilter(SimpleListFilter):
    """Time since the request entered its current state."""

    title = _("ancienneté dans l'état")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [(value, label) for value, label, _low, _high in AGE_BUCKETS]

    def queryset(self, request, queryset):
        for value, _label, low, high in AGE_BUCKETS:
            if self.value() == value:
                now = timezone.now()
                queryset = queryset.filter(status_changed_at__lte=now - datetime.timedelta(days=low))
                if high is not None:
                    queryset = queryset.filter(status_changed_at__gt=now - datetime.timedelta(days=high))
                return queryset
        return queryset


class DaysLateFilter(SimpleListFilter):
    """Days past the milestone's planned date (as computed by check_milestones)."""

    title = _("retard")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [(value, label) for value, label, _low, _high in AGE_BUCKETS]

    def queryset(self, request, queryset):
        for value, _label, low, high in AGE_BUCKETS:
            if self.value() == value:
                queryset = queryset.filter(days_late__gte=max(low, 1))
                if high is not None:
                    queryset = queryset.filter(days_late__lt=high)
                return queryset
        return queryset
