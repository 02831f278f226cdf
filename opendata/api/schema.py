"""OpenAPI details drf-spectacular cannot infer: the error shape on every operation, the
`Retry-After` header of 429, and only public fields marked required (others depend on the tier).
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

from opendata.api import changes
from workflows.visibility import FIELDS, Tier

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "example": "invalid_parameter"},
                "message": {"type": "string"},
                "details": {"nullable": True, "description": "Détail par paramètre, ou null"},
            },
        }
    },
}
ERROR_DESCRIPTIONS = {
    "400": "Paramètre invalide (filtre, tri, taille de page).",
    "401": "Jeton invalide ou expiré.",
    "404": "Ressource ou curseur introuvable.",
    "406": "Format demandé non disponible (json ou csv).",
    "429": "Trop de requêtes anonymes : réessayer après `Retry-After` secondes.",
}


class SiranoAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method != "GET":
            return responses
        error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for code, description in ERROR_DESCRIPTIONS.items():
            responses.setdefault(code, {**error, "description": description})
        responses["429"]["headers"] = {
            "Retry-After": {"schema": {"type": "integer"}, "description": "Secondes à attendre."}
        }
        return responses

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        model = getattr(serializer, "visibility_model", "")
        if model and "required" in schema:
            schema["required"] = [n for n in schema["required"] if FIELDS[model].get(n) == Tier.PUBLIC]
            always = getattr(serializer, "always_required", None)
            if always is not None:  # a list row: the other fields depend on `fields=`
                schema["required"] = [n for n in schema["required"] if n in always]
        return schema


def add_error_component(result, generator, request, public):
    """Postprocessing hook: register the shared Error schema, and tell clients what changed."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    info = result.setdefault("info", {})
    info["version"] = changes.CHANGES[0][1]
    info["description"] = f"{info.get('description', '')}\n\n## Changements\n\n{changes.as_markdown()}"
    return result


def only_open_data_api(endpoints):
    """Preprocessing hook: the schema describes /api/v1/ only, not Wagtail's admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
