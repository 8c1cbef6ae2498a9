#!/bin/sh
echo "ran on $(hostname) with $1"
