"""The API's JSON parser, which answers 400 to JSON nested too deeply instead of crashing.

Python's json module recurses once per level: `[[[[…` a thousand levels deep
raises RecursionError, which DRF's parser does not catch (a 500).
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply") from error
