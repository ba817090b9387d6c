"""The Streamlit glue, the only part of the package that imports Streamlit.

`pages` lists the app's pages (once: navigation, the access gate and the tests use it); `page`
sets a page up behind the `gate`; `loading` keeps the shared data and the geocoder per server
process; `session` holds what belongs to one browser session (the working set, the view, the
link); `widgets` draws the pieces every page shares.
"""
