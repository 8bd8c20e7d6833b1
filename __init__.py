"""modalswitch."""
