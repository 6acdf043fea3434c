#!/usr/bin/env python3
"""bench/import-gen.py: sign-in exports for the import benchmark.

    import-gen.py --records N --shape jsonl|pages -o FILE

Writes N Graph signIn records shaped like a real export (about 1.1 KB each:
device, location, status, a Conditional Access policy): `jsonl` one per line
as the Untitled Goose Tool writes them, `pages` as concatenated Graph pages
of 1000 records each (compact, one page per line, @odata.nextLink on all but
the last).  One record in 50 repeats an earlier one (the duplicates an
appending collector leaves), one in 7 has error code 50140, one in 9 is a
service principal sign-in.  Deterministic: the same arguments give the same
bytes.
"""
import argparse
import json

TEMPLATE = (
    '{{"id": "{rid}", "createdDateTime": "2024-04-{day:02d}T{h:02d}:{m:02d}:{s:02d}.{frac:07d}Z", '
    '"userDisplayName": "User {u}", "userPrincipalName": "{upn}", "userId": "0a6c1f0e-33d2-4b8e-9f41-{u:012d}", '
    '"appId": "00000002-0000-0ff1-ce00-000000000000", "appDisplayName": "{app}", '
    '"ipAddress": "{ip}", "clientAppUsed": "Browser", "correlationId": "c0{c:06d}-0a1b-4c3d-9e5f-7a8b9c0d1e2f", '
    '"conditionalAccessStatus": "notApplied", "isInteractive": {inter}, "riskDetail": "none", '
    '"riskLevelAggregated": "none", "riskLevelDuringSignIn": "none", "riskState": "none", "riskEventTypes": [], '
    '"resourceDisplayName": "Microsoft Graph", "resourceId": "00000003-0000-0000-c000-000000000000", '
    '"servicePrincipalId": "{spid}", "servicePrincipalName": "{spname}", "signInEventTypes": ["{etype}"], '
    '"status": {{"errorCode": {code}, "failureReason": "{reason}", "additionalDetails": null}}, '
    '"deviceDetail": {{"deviceId": "", "displayName": "", "operatingSystem": "Windows 10", "browser": "Edge 122.0.0", '
    '"isCompliant": false, "isManaged": false, "trustType": ""}}, '
    '"location": {{"city": "Arlington", "state": "Virginia", "countryOrRegion": "US", '
    '"geoCoordinates": {{"altitude": null, "latitude": 38.88, "longitude": -77.1}}}}, '
    '"appliedConditionalAccessPolicies": [{{"id": "5e6f7a8b-0001-4c2d-9e3f-4a5b6c7d8e9f", '
    '"displayName": "Require MFA for admins", "enforcedGrantControls": ["Mfa"], '
    '"enforcedSessionControls": [], "result": "notApplied"}}]}}'
)


def record(i):
    j = i - 37 if i % 50 == 49 else i  # a repeat of an earlier record
    sp = j % 9 == 4
    code = 50140 if j % 7 == 3 else 0
    return TEMPLATE.format(
        rid="%08x-9b1a-4c1e-8a52-%012x" % (j, j), day=1 + j % 28, h=j % 24, m=j % 60, s=(j * 7) % 60,
        frac=(j * 7919) % 10000000, u=j % 5000, upn="" if sp else "user%d@dexa.example.gov" % (j % 5000),
        app="" if sp else "Office 365 Exchange Online", ip="203.0.%d.%d" % (j % 200, j % 250),
        c=j // 3, inter="false" if sp else "true",
        spid="7f3c2a91-5b4e-4d1a-9c0e-%012d" % (j % 40) if sp else "",
        spname="Connector %d" % (j % 40) if sp else "", etype="servicePrincipal" if sp else "interactiveUser",
        code=code, reason="Keep me signed in interrupt." if code else "Other.")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, required=True)
    p.add_argument("--shape", choices=["jsonl", "pages"], required=True)
    p.add_argument("-o", required=True)
    a = p.parse_args()
    with open(a.o, "w", buffering=1 << 20) as f:
        if a.shape == "jsonl":
            for i in range(a.records):
                f.write(record(i))
                f.write("\n")
            return
        for start in range(0, a.records, 1000):
            end = min(start + 1000, a.records)
            head = {"@odata.context": "https://graph.microsoft.com/beta/$metadata#auditLogs/signIns"}
            if end < a.records:
                head["@odata.nextLink"] = "https://graph.microsoft.com/beta/auditLogs/signIns?$skiptoken=%d" % end
            f.write(json.dumps(head)[:-1] + ', "value": [')
            f.write(", ".join(record(i) for i in range(start, end)))
            f.write("]}\n")


if __name__ == "__main__":
    main()
