using System.Text;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Tests.Scraping;

public sealed class ColumnReaderTests
{
    [Theory]
    [InlineData(new byte[] { 0x70, 0x6c, 0x61, 0x69, 0x6e }, "plain")]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xc3, 0xa9 }, "café")]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xe9 }, "caf\\xe9")]
    [InlineData(new byte[] { 0xe9, 0x78, 0xc3 }, "\\xe9x\\xc3")]
    [InlineData(new byte[] { 0xf0, 0x9f, 0x98, 0x80, 0xff }, "\U0001F600\\xff")]
    public void A_name_is_read_as_UTF8_with_each_invalid_byte_written_as_its_hex_escape(byte[] bytes, string expected)
        => Assert.Equal(expected, ColumnReader.DecodeName(bytes));

    [Fact]
    public void A_long_name_of_valid_and_invalid_bytes_keeps_every_character()
    {
        var bytes = Enumerable.Range(0, 300).SelectMany(i => i % 7 == 0 ? new byte[] { 0xe9 } : Encoding.UTF8.GetBytes("é")).ToArray();

        var name = ColumnReader.DecodeName(bytes);

        Assert.Equal(string.Concat(Enumerable.Range(0, 300).Select(i => i % 7 == 0 ? "\\xe9" : "é")), name);
    }
}
