"""The museums of the network: reference data every app may point to.

Staff-written text (name, presentation, opening hours) is translatable with
django-modeltranslation (`museums/translation.py`): French is required, English
optional and falls back to French.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from club.core.images import RandomName


class Museum(models.Model):
    slug = models.SlugField(_("identifiant d'adresse"), unique=True)
    name = models.CharField(_("nom"), max_length=120)
    short_name = models.CharField(_("nom court"), max_length=60, blank=True)
    town = models.CharField(_("commune"), max_length=80)
    address = models.CharField(_("adresse"), max_length=200)
    postcode = models.CharField(_("code postal"), max_length=10)
    opening_hours = models.TextField(_("horaires d'ouverture"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    presentation = models.TextField(_("présentation"), blank=True)
    picture = models.ImageField(_("image"), upload_to=RandomName("museums"), blank=True)
    picture_alt = models.CharField(_("description de l'image"), max_length=200, blank=True)
    is_active = models.BooleanField(_("visible"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)

    class Meta:
        verbose_name = _("musée")
        verbose_name_plural = _("musées")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("museums:detail", args=[self.slug])
