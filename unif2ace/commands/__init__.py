"""Small CLI verbs that do not belong to a bigger subpackage."""
