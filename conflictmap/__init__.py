"""conflictmap: conflict events from UCDP, news reports and analysts' files, geocoded offline
and put on a map. This package is the pure core; the Streamlit app lives in dashboard.py and
pages/, and `python -m conflictmap` is its command line."""

__version__ = "0.1.0"
