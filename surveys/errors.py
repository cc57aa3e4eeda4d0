"""What a member may be refused when answering (each with a stable code for the API)."""

from django.utils.translation import gettext_lazy as _

from club.core.errors import DomainError


class SurveyNotYetOpen(DomainError):
    code = "survey_not_yet_open"
    message = _("Cette enquête n'est pas encore ouverte.")
    status = 409


class SurveyClosed(DomainError):
    code = "survey_closed"
    message = _("Cette enquête est close : merci de votre intérêt.")
    status = 409


class SurveyNotForYou(DomainError):
    code = "survey_not_for_you"
    message = _("Cette enquête s'adresse à d'autres membres du club.")
    status = 403


class AlreadyAnswered(DomainError):
    code = "already_answered"
    message = _("Vous avez déjà répondu à cette enquête : merci !")
    status = 409


class SurveyChanged(DomainError):
    """The survey's questions or choices changed while the member answered (a choice picked no longer exists)."""

    code = "survey_changed"
    message = _("Cette enquête vient d'être modifiée : rechargez la page.")
    status = 409
