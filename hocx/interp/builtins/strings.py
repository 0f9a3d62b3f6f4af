"""(placeholder: filled in by its owner)"""


def install(interp) -> None:
    pass
