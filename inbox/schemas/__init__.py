"""marshmallow schemas: the API's input and output, and the normalized message."""
