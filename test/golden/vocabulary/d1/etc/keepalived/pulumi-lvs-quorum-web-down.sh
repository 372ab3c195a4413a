#!/bin/sh
# Managed by pulumi-lvs (cluster vocabulary, host d1). Manual changes are overwritten.
logger -t pulumi-lvs-quorum "service=$2 $1"
