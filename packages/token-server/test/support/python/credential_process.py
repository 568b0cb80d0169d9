"""credential_process for botocore/AWS CLI: POST /credentials with a bearer token, print Version 1 JSON."""
import json
import sys
import urllib.request

url, token = sys.argv[1], sys.argv[2]
request = urllib.request.Request(url, data=b"{}", method="POST",
                                 headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
with urllib.request.urlopen(request) as response:
    body = json.load(response)
print(json.dumps({"Version": 1, "AccessKeyId": body["accessKeyId"], "SecretAccessKey": body["secretAccessKey"],
                  "SessionToken": body["sessionToken"], "Expiration": body["expiration"]}))
