# Multi-stage build of the agent: the SDK image publishes a Native AOT binary, the small runtime-deps image (the C
# libraries a native .NET binary needs, no .NET runtime) runs it.
# Runs as a non-root user with a read-only root filesystem where the mounts allow (the DaemonSet mounts
# /var/log/pods read-only and /var/lib/agent for checkpoints; see manifests/daemonset/daemonset.yaml).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Native AOT links with clang.
RUN apt-get update && apt-get install -y --no-install-recommends clang zlib1g-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The same command as README.md's "Publish" line (a test keeps the two equal); -o differs only in the folder.
RUN dotnet publish agent/Agent/Agent.csproj -c Release -o /out

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
WORKDIR /app
# The binary alone: the folder also holds its debug symbols (agent.dbg, about 100 MB), kept out of the image.
COPY --from=build /out/agent .
# The GC settings (workstation, non-concurrent) are built into the binary; the heap hard limit follows the
# container's memory limit by itself (75 %), so no DOTNET_ variable is needed here.
ENV AGENT_DATA_DIR=/var/lib/agent
USER 10001
EXPOSE 4317 4318 8888 13133
ENTRYPOINT ["/app/agent"]
CMD ["run"]
