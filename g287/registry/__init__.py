"""The registry: publications, agencies, agreements, listings, figures and the quality register."""
