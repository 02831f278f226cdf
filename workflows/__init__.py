"""Domain core of SIRANo: records, state machines, rules, services and selectors (no HTTP)."""
