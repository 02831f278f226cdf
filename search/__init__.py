"""The one project search of SIRANo (directory, API, establishments' portal, agents' admin).

`search_projects(queryset, text)` filters and adds the `search_relevance` alias; `suggest(text)`
offers corrections for an empty result; `index.refresh_projects(ids)` keeps documents current.
"""
