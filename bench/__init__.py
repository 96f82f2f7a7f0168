"""Load benchmark of the webhook (``make bench``): the bot against an echo baseline, same gunicorn, same load."""
