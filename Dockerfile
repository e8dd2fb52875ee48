# Multi-stage build of the agent: the SDK image publishes, the small ASP.NET runtime image runs it.
# Runs as a non-root user with a read-only root filesystem where the mounts allow (the DaemonSet mounts
# /var/log/pods read-only and /var/lib/agent for checkpoints; see manifests/daemonset/daemonset.yaml).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# The same command as README.md's "Publish" line (a test keeps the two equal); -o differs only in the folder.
RUN dotnet publish agent/Agent/Agent.csproj -c Release -o /out

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /out .
# The GC settings (workstation, non-concurrent) are in the published runtimeconfig; the heap hard limit follows the
# container's memory limit by itself (75 %), so no DOTNET_ variable is needed here.
ENV AGENT_DATA_DIR=/var/lib/agent
USER 10001
EXPOSE 4317 4318 8888 13133
ENTRYPOINT ["/app/agent"]
CMD ["run"]
