"""The needs' form data that several test modules post."""

# What the form sends when the user fills in only the required fields.
MINIMAL_FORM = {
    "rome_code": "",
    "title": "Agent de quai",
    "positions": "1",
    "contract": "cdi",
    "working_time": "",
    "start_on": "",
    "place": "",
    "qualification_level": "",
    "origin": "contact",
}
