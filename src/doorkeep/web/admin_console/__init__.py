"""The Admin Console: server-rendered pages at ``/admin/{realm}/console/`` over the same core as the Admin REST.

Each page is computed by a view (``views_*``) from the store through the operations the REST handlers
use, with the caller's realm-management roles checked exactly as the REST API checks them; handlers
(``pages_*``) only parse the form, call one view and render a template.
"""
