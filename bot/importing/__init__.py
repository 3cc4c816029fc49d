"""`/invoice import`: invoices from the CSV export of an invoicing or accounting tool.

* `reader.py` turns bytes into a table (encoding, separator, quoted newlines, size limits);
* `layouts.py` knows the supported tools' header rows, and guesses a generic mapping;
* `values.py` reads amounts and dates the way the file's locale writes them;
* `preview.py` builds the plan (what is new, what changed, what cannot be read) without writing;
* `apply.py` writes a confirmed plan in one transaction.
"""
