using EsimRenewal.Core.Orders;

namespace EsimRenewal.UnitTests.Orders;

public class OrderQueryTests
{
    [Theory]
    [InlineData("1024", 1024L, null, null, null)]
    [InlineData("#1024", 1024L, null, null, null)]
    [InlineData("8981 1000 0000 0000 036", null, "8981100000000000036", null, null)]
    [InlineData("Mei@Example.com", null, null, "mei@example.com", null)]
    [InlineData("090-1234-5678", null, null, null, "+819012345678")]
    public void What_an_admin_types_is_read_as_an_order_number_an_iccid_an_email_or_a_phone(string text, long? number, string? iccid, string? email, string? phone)
    {
        Assert.Equal(new OrderQuery(number, iccid, email, phone), OrderQuery.Parse(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("8981100000000000037")] // an ICCID with a wrong check digit is not an order number either
    [InlineData("99999999999999999999999")]
    public void Anything_else_is_not_a_query(string? text)
    {
        Assert.Null(OrderQuery.Parse(text));
    }
}
