"""UI texts, one module per page; kpi.i18n.t() looks keys up in all of them."""
