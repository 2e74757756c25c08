"""The server-rendered web app for officials (``/``): pages in ``pages/``, Jinja2 templates in
``templates/``, vendored CSS/JS in ``static/``. Pages call the services the API routers call,
with a Principal built from the browser session (``session.py``)."""
