"""The one base class of the refusals that business rules raise."""


class DomainError(Exception):
    """A business rule refused a change. Its message is French and is shown to the user as it is.

    Every package's errors derive from it, so that one mechanism (`app.transactions.refusal_shown`)
    turns any of them into a form error or a flash message, and undoes what the refused change wrote.
    """
