package dev.aigateway.okhttp;
