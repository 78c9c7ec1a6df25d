using Parley.Client.Messaging;
using Parley.Client.Sealing;
using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client.Tests.Units;

public sealed class OutboxTests
{
    private static readonly SealedPayload Payload = SealedPayload.ForEveryDevice([1, 2, 3]);

    private static OutboxItem Item(long id, string? conversation = "d_x", string? peer = null) =>
        new(id, conversation, peer, [.. Enumerable.Repeat((byte)id, 16)], [9], 0);

    [Fact]
    public void A_message_goes_out_first_without_and_then_always_with_the_retry_flag_and_the_same_id()
    {
        var outbox = new Outbox();
        outbox.Add(Item(1));

        var first = outbox.Dispatch(1, Payload)!;
        Assert.Null(outbox.Dispatch(1, Payload)); // on the wire already
        outbox.Release(1);
        var second = outbox.Dispatch(1, Payload)!;

        Assert.False(first.Retry);
        Assert.True(second.Retry);
        Assert.Equal(first.ClientMessageId, second.ClientMessageId);
        Assert.Equal("d_x", second.ConversationId);
        Assert.Equal([1, 2, 3], second.Payload.ToByteArray());
    }

    [Fact]
    public void Messages_restored_after_a_restart_may_have_been_sent_so_they_go_out_as_retries()
    {
        var outbox = new Outbox();
        outbox.Restore([Item(4), Item(5, conversation: null, peer: "0b0e8b47-0d4a-4c39-9c5b-2e8f1a0e0c11"), Item(6) with { Failure = new OutboxFailure(ErrorCode.NotFound, "gone") }]);

        Assert.Equal([4L, 5L], outbox.Ready().Select(i => i.Id)); // a refused one stays refused
        Assert.True(outbox.Dispatch(4, Payload)!.Retry);
        var toPeer = outbox.Dispatch(5, Payload)!;
        Assert.Equal(SendMessage.ToOneofCase.PeerAccountId, toPeer.ToCase);
        Assert.Empty(outbox.Ready());
    }

    [Fact]
    public async Task Completion_and_refusal_settle_the_callers_task()
    {
        var outbox = new Outbox();
        var stored = outbox.Add(Item(1));
        var refused = outbox.Add(Item(2));

        outbox.Complete(1, new SentMessage("d_x", 7, 0, Item(1).ClientMessageId, Duplicate: false));
        outbox.Fail(2, new OutboxFailure(ErrorCode.LimitExceeded, "too big"));

        Assert.Equal(7ul, (await stored).Seq);
        Assert.Equal(ErrorCode.LimitExceeded, (await Assert.ThrowsAsync<ParleyException>(() => refused)).Code);
        Assert.Equal(0, outbox.Count);
    }

    [Fact]
    public void The_content_of_a_waiting_message_is_found_by_its_client_message_id()
    {
        var outbox = new Outbox();
        outbox.Add(Item(3));
        Assert.Equal([9], outbox.ContentOf(Item(3).ClientMessageId));
        Assert.Null(outbox.ContentOf(Item(4).ClientMessageId));
    }

    [Theory]
    [InlineData(ErrorCode.RateLimited, SendOutcome.TryAgain)]
    [InlineData(ErrorCode.Unavailable, SendOutcome.TryAgain)]
    [InlineData(ErrorCode.Internal, SendOutcome.TryAgain)]
    [InlineData(ErrorCode.TooManyRequestsInFlight, SendOutcome.TryAgain)]
    [InlineData(ErrorCode.NotFound, SendOutcome.Refused)]
    [InlineData(ErrorCode.InvalidRequest, SendOutcome.Refused)]
    [InlineData(ErrorCode.LimitExceeded, SendOutcome.Refused)]
    [InlineData(ErrorCode.Forbidden, SendOutcome.Refused)]
    public void Transient_refusals_are_retried_and_the_rest_are_final(ErrorCode code, SendOutcome outcome) =>
        Assert.Equal(outcome, Outbox.Classify(new Response { Error = new Error { Code = code } }));

    [Fact]
    public void A_stored_answer_settles_the_message() =>
        Assert.Equal(SendOutcome.Stored, Outbox.Classify(new Response { Send = new SendResult { Seq = 1 } }));
}
