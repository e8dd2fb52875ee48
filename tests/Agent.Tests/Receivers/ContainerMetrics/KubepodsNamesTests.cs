using Agent.Receivers.ContainerMetrics;

namespace Agent.Tests.Receivers.ContainerMetrics;

public class KubepodsNamesTests
{
    [Theory]
    [InlineData("kubepods-burstable-pod0f3c2a1e_77b2_4f0e_9c1a_2b6d8e4f1a3c.slice", "0f3c2a1e-77b2-4f0e-9c1a-2b6d8e4f1a3c")]
    [InlineData("kubepods-pod0f3c2a1e_77b2_4f0e_9c1a_2b6d8e4f1a3c.slice", "0f3c2a1e-77b2-4f0e-9c1a-2b6d8e4f1a3c")]
    [InlineData("pod0f3c2a1e-77b2-4f0e-9c1a-2b6d8e4f1a3c", "0f3c2a1e-77b2-4f0e-9c1a-2b6d8e4f1a3c")]
    [InlineData("kubepods-burstable.slice", null)]
    [InlineData("kubepods-pod.slice", null)]
    [InlineData("pod", null)]
    [InlineData("podcast", null)]
    [InlineData("system.slice", null)]
    public void Pod_uids_come_from_both_drivers_directory_names(string name, string? uid) =>
        Assert.Equal(uid, KubepodsNames.PodUid(name));

    [Theory]
    [InlineData("cri-containerd-4a5b6c.scope", "4a5b6c")]
    [InlineData("crio-4a5b6c.scope", "4a5b6c")]
    [InlineData("docker-4a5b6c.scope", "4a5b6c")]
    [InlineData("4a5b6c", "4a5b6c")]
    [InlineData("crio-conmon-4a5b6c.scope", null)]
    [InlineData("init.scope", null)]
    [InlineData("cri-containerd-.scope", null)]
    public void Container_ids_come_from_each_runtimes_scope_names(string name, string? id) =>
        Assert.Equal(id, KubepodsNames.ContainerId(name));

    [Theory]
    [InlineData("burstable", true)]
    [InlineData("kubepods-besteffort.slice", true)]
    [InlineData("kubepods-pod1.slice", false)]
    public void Qos_directories_are_told_from_pods(string name, bool isQos) =>
        Assert.Equal(isQos, KubepodsNames.TryParseQos(name, out _));
}
