"""The .ics of an event whose texts hold line breaks and iCalendar's separators."""

import icalendar

from tests.factories import EventFactory, UserFactory


def test_an_event_title_with_a_line_break_gives_a_valid_ics(client, login):
    event = EventFactory(title="Job dating\r\nhôtellerie; cuisine, salle", place="Salle 1\nÉtage 2")
    login(UserFactory())
    response = client.get(f"/evenements/{event.id}.ics")
    assert response.status_code == 200
    assert all(len(line) <= 75 for line in response.data.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(response.data)
    assert "\n" not in calendar["X-WR-CALNAME"] and "\r" not in calendar["X-WR-CALNAME"]
    [vevent] = calendar.walk("VEVENT")
    assert vevent["SUMMARY"] == "Job dating : Job dating\nhôtellerie; cuisine, salle"
    assert vevent["LOCATION"] == "Salle 1\nÉtage 2"
