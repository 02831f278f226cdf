"""The DGOS agents' desk in the Wagtail admin: queues, inspect view, actions, delegations."""
