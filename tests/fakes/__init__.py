"""Stand-ins for the third parties we do not run (banks, the CA, the SMS provider, the grant registry, a basemap
tile server), each a real HTTP server on 127.0.0.1 speaking the party's protocol. Nothing here imports Django: the
bank and the CA also run as programs (`python -m tests.fakes.bank`, `python -m tests.fakes.ca`) for `make run`."""
