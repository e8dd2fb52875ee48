using System.Text;
using Agent.Exporters.PrometheusRemoteWrite;

namespace Agent.Tests.Exporters.PrometheusRemoteWrite;

/// <summary>The translator's text cache: the same bytes give the same string without allocating, within a fixed size.</summary>
public class Utf8TextCacheTests
{
    [Fact]
    public void The_same_bytes_give_the_same_string_again_and_allocate_nothing()
    {
        var cache = new Utf8TextCache(sets: 16);
        byte[] route = Encoding.UTF8.GetBytes("/api/v1/orders/{id}");
        string first = cache.Get(route);
        cache.Get(Encoding.UTF8.GetBytes("größe"));

        long before = GC.GetAllocatedBytesForCurrentThread();
        string again = cache.Get(route);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("/api/v1/orders/{id}", first);
        Assert.Same(first, again);
        Assert.Equal(0, allocated);
        Assert.Equal("größe", cache.Get(Encoding.UTF8.GetBytes("größe")));
    }

    [Fact]
    public void A_set_keeps_its_two_most_recent_texts_and_a_newcomer_replaces_the_older()
    {
        var cache = new Utf8TextCache(sets: 1);
        string a = cache.Get("a"u8);
        string b = cache.Get("b"u8);
        Assert.Same(a, cache.Get("a"u8)); // a is now the more recent of the two

        string c = cache.Get("c"u8); // replaces b

        Assert.Same(a, cache.Get("a"u8));
        Assert.Same(c, cache.Get("c"u8));
        string bAgain = cache.Get("b"u8);
        Assert.Equal("b", bAgain);
        Assert.NotSame(b, bAgain);
    }

    [Fact]
    public void Long_bytes_are_not_kept_and_a_flood_of_distinct_values_is_still_read_right()
    {
        var cache = new Utf8TextCache(sets: 4, bytes => "v:" + Encoding.UTF8.GetString(bytes));
        byte[] longValue = Encoding.UTF8.GetBytes(new string('x', Utf8TextCache.MaxLength + 1));
        Assert.NotSame(cache.Get(longValue), cache.Get(longValue));
        Assert.Equal("v:" + new string('x', Utf8TextCache.MaxLength + 1), cache.Get(longValue));

        for (int i = 0; i < 10_000; i++)
        {
            string text = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("v:" + text, cache.Get(Encoding.UTF8.GetBytes(text)));
        }

        Assert.Equal("v:", cache.Get([]));
    }

    [Fact]
    public void The_number_of_sets_must_be_a_power_of_two() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Utf8TextCache(sets: 3));
}
