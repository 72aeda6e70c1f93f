"""Excel in and out: importing the bureau's project ledger, exporting every list, the monthly report."""
