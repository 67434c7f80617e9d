"""Expands template.yaml with SAM's own translator into what CloudFormation receives.

cfn-lint 1.x checks a SAM template against SAM's schema without running the transform, so the
statements inside a function's `Policies` (and the roles, event-source policies and permissions
SAM generates) are never checked against IAM's list of actions. The expanded template is: it is
what `./run lint` gives cfn-lint, and what `iam-report` reads to see each function's real role.

Usage: expand_template.py TEMPLATE OUT.json
"""

import json
import os
import sys

from cfnlint.decode import decode_str
from samtranslator.translator.transform import transform


class NoManagedPolicyNames:
    """tamlink's policies name no managed policy by name (iam.rs refuses SAM policy templates),
    so SAM never has to ask IAM for the account's managed policies."""

    def load(self):
        return {}


def expand(path):
    with open(path, encoding="utf-8") as f:
        template, problems = decode_str(f.read())
    if problems:
        raise SystemExit(f"{path}: {problems}")
    # What `sam package` does before a deploy: the code is an object in S3.
    template["Globals"]["Function"]["CodeUri"] = "s3://tamlink-artifacts/tamlink.zip"
    # SAM resolves pseudo parameters for a region; any region gives the same resources.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    pseudo = {
        "AWS::Region": os.environ["AWS_DEFAULT_REGION"],
        "AWS::Partition": "aws",
        "AWS::AccountId": "123456789012",
        "AWS::StackName": "tamlink",
    }
    return transform(json.loads(json.dumps(template)), pseudo, NoManagedPolicyNames())


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    out = expand(sys.argv[1])
    os.makedirs(os.path.dirname(os.path.abspath(sys.argv[2])), exist_ok=True)
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    print(f"{sys.argv[1]}: {len(out['Resources'])} resources after SAM's transform -> {sys.argv[2]}")


if __name__ == "__main__":
    main()
