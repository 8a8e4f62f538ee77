import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
application = get_wsgi_application()

# What a web process loads before its first request (Django, the apps, the URLconf and every view: some 350,000
# objects) lives as long as the process: moved out of the garbage collector's reach, whose full collections otherwise
# walked all of it, a pause of about 110 ms every 150 or so dashboards (measured through the test client on the city).
get_resolver().url_patterns  # noqa: B018 - imports the views now, before the freeze
gc.collect()
gc.freeze()
