"""The document archive: signed MOAs, addenda and ICE's workbooks kept by content, read (text layer and OCR),
their facts extracted, linked to the listings that point to them, and searchable."""
