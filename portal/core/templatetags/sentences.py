from django import template

from portal.core.text import one_full_stop

register = template.Library()

# History lines recorded before the recorders tidied them are shown the same way.
register.filter("one_full_stop", one_full_stop)
