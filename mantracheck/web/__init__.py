"""The local web page (``mantracheck serve``) and its JSON API."""
