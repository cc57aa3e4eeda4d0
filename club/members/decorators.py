"""Access rules of member pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from club.members.selectors import member_is_verified


def member_required(view):
    """Logged in (else to login and back) and with a verified email.

    A member whose email is not verified yet is sent to a page that explains
    what to do and offers to send the link again.
    """

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not member_is_verified(member=request.user):
            return redirect("members:verify_needed")
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    """Staff pages: visitors go to the site's login and come back; members get a 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
