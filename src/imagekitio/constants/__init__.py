"""Constants of the 4.x SDK surface (hosts, error payloads, option names, URL defaults)."""
