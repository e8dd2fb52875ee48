"""Writes big.pb (an OTLP logs export request of about 50 MB) and small.pb (about 1 MB): 1000-byte log bodies."""


def varint(n):
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | 0x80 if n else low)
        if not n:
            return bytes(out)


def field(number, payload):
    return varint((number << 3) | 2) + varint(len(payload)) + payload


# LogRecord.body (5) = AnyValue.string_value (1); ScopeLogs.log_records (2); ResourceLogs.scope_logs (2);
# ExportLogsServiceRequest.resource_logs (1).
record = field(5, field(1, b"x" * 1000))
for name, count in (("big.pb", 50000), ("small.pb", 1000)):
    with open(name, "wb") as out:
        out.write(field(1, field(2, b"".join(field(2, record) for _ in range(count)))))
