"""An emulator of Zendesk's Legacy Custom Objects API: WSGI app, SQLite state, faults, HTTP
server."""
