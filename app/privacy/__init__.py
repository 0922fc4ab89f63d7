"""A contact person's rights (RGPD articles 15 and 17): export everything held on them, erase them.

Above the domains it reads (employers, activity, leads, audit); the views live with the contact
persons' pages in app/employers/views.py.
"""
