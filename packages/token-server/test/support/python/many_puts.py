"""One boto3 session (credentials from credential_process, refreshed by botocore) making N PutObject calls."""
import sys
import boto3
from botocore.config import Config

endpoint, bucket, prefix, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
session = boto3.Session(profile_name="s3up")
s3 = session.client("s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"}))
for i in range(count):
    s3.put_object(Bucket=bucket, Key=f"{prefix}put-{i}.txt", Body=f"put {i}".encode())
print("done")
