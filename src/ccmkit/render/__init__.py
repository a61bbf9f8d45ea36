"""Rendering: template → semantic HTML (the single source) → DOCX and PDF."""
