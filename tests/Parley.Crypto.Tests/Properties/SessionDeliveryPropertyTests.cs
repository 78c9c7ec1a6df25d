using System.Text;
using Parley.Crypto.Messages;
using Parley.Crypto.Tests.Support;

namespace Parley.Crypto.Tests.Properties;

/// <summary>
/// Random interleavings of sends, drops, duplicates and reorders among two to four Parley devices with
/// pairwise sessions. A model of the receiver predicts every outcome: a message decrypts exactly once
/// (to what was sent), a redelivery is a duplicate, and a message on a receiving chain the session has
/// already discarded (more than <see cref="Crypto.Sessions.SessionLimits.MaxReceiverChains"/> chains ago) is invalid.
/// </summary>
public sealed class SessionDeliveryPropertyTests
{
    public static TheoryData<int, int> Runs()
    {
        var data = new TheoryData<int, int>();
        for (var seed = 1; seed <= 12; seed++)
        {
            data.Add(seed, 2 + seed % 3);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task Every_delivered_message_decrypts_once_or_fails_with_the_predicted_error(int seed, int partyCount)
    {
        var random = new Random(seed);
        var log = new StringBuilder();
        var parties = Enumerable.Range(0, partyCount).Select(i => ParleyParty.Create($"p{i}")).ToArray();
        var links = new Dictionary<(int From, int To), Link>();
        for (var a = 0; a < partyCount; a++)
        {
            for (var b = a + 1; b < partyCount; b++)
            {
                // a starts the session with b from b's bundle; b can send once something from a arrived.
                await parties[a].BuilderFor(parties[b].Address).ProcessAsync(await parties[b].PublishBundleAsync(oneTimePreKey: random.Next(2) == 0));
                links[(a, b)] = new Link(canSend: true);
                links[(b, a)] = new Link(canSend: false);
                links[(a, b)].Receiver.Initiator = false;
                links[(b, a)].Receiver.Initiator = true;
            }
        }

        var inFlight = new List<Envelope>();
        var delivered = new List<Envelope>();
        var counter = 0;
        try
        {
            for (var step = 0; step < 250; step++)
            {
                var roll = random.Next(100);
                if (roll < 40 || inFlight.Count == 0)
                {
                    var senders = links.Where(l => l.Value.CanSend).Select(l => l.Key).ToList();
                    var (from, to) = senders[random.Next(senders.Count)];
                    var text = $"#{counter++} {from}->{to}";
                    var message = await parties[from].CipherFor(parties[to].Address).EncryptAsync(Encoding.UTF8.GetBytes(text));
                    inFlight.Add(new Envelope(from, to, text, message));
                    log.AppendLine($"{step}: send {text} as {message.Type}");
                }
                else if (roll < 75)
                {
                    var envelope = Take(inFlight, random);
                    await DeliverAsync(envelope, parties, links, log, step);
                    delivered.Add(envelope);
                }
                else if (roll < 85)
                {
                    var envelope = Take(inFlight, random);
                    log.AppendLine($"{step}: drop {envelope.Text}");
                }
                else if (delivered.Count > 0)
                {
                    await DeliverAsync(delivered[random.Next(delivered.Count)], parties, links, log, step);
                }
            }
            while (inFlight.Count > 0)
            {
                await DeliverAsync(Take(inFlight, random), parties, links, log, -1);
            }
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"seed {seed}: unexpected {e}\n{log}");
        }
        Assert.True(links.Values.Sum(l => l.Receiver.Decrypted.Count) > 20, $"seed {seed}: too few messages decrypted to mean anything\n{log}");
    }

    private static Envelope Take(List<Envelope> inFlight, Random random)
    {
        var index = random.Next(inFlight.Count);
        var envelope = inFlight[index];
        inFlight.RemoveAt(index);
        return envelope;
    }

    private static async Task DeliverAsync(Envelope envelope, ParleyParty[] parties, Dictionary<(int, int), Link> links, StringBuilder log, int step)
    {
        var receiver = links[(envelope.From, envelope.To)].Receiver;
        var expected = receiver.Predict(envelope);
        var copy = CiphertextMessage.Deserialize(envelope.Message.Type, envelope.Message.Serialize());
        string outcome;
        try
        {
            var plaintext = await parties[envelope.To].CipherFor(parties[envelope.From].Address).DecryptAsync(copy);
            Assert.Equal(envelope.Text, Encoding.UTF8.GetString(plaintext));
            outcome = "ok";
            receiver.Accept(envelope);
            links[(envelope.To, envelope.From)].CanSend = true;
        }
        catch (DuplicateMessageException)
        {
            outcome = "duplicate";
        }
        catch (InvalidMessageException)
        {
            outcome = "invalid";
        }
        log.AppendLine($"{step}: deliver {envelope.Text}: {outcome} (model: {expected})");
        Assert.True(expected == outcome, $"{envelope.Text}: got {outcome}, the model predicted {expected}\n{log}");
    }

    private sealed record Envelope(int From, int To, string Text, CiphertextMessage Message)
    {
        public PublicKey RatchetKey => (Message is PreKeySignalMessage preKey ? preKey.Message : (SignalMessage)Message).SenderRatchetKey;
    }

    private sealed class Link(bool canSend)
    {
        public bool CanSend { get; set; } = canSend;
        public ReceiverModel Receiver { get; } = new();
    }

    /// <summary>What the receiving side of one direction knows: the sender's ratchet keys in the order
    /// they first decrypted (the newest five kept), the discarded ones, and the messages decrypted.</summary>
    private sealed class ReceiverModel
    {
        private readonly List<PublicKey> _chains = [];
        private readonly HashSet<PublicKey> _discarded = [];

        public HashSet<string> Decrypted { get; } = [];

        /// <summary>The session initiator starts with one receiving chain (on the peer's signed prekey) that the peer never sends on.</summary>
        public bool Initiator
        {
            set
            {
                if (value)
                {
                    _chains.Add(KeyPair.Generate().PublicKey);
                }
            }
        }

        public string Predict(Envelope envelope)
        {
            if (_discarded.Contains(envelope.RatchetKey))
            {
                return "invalid";
            }
            return Decrypted.Contains(envelope.Text) ? "duplicate" : "ok";
        }

        public void Accept(Envelope envelope)
        {
            Decrypted.Add(envelope.Text);
            if (!_chains.Contains(envelope.RatchetKey))
            {
                _chains.Add(envelope.RatchetKey);
                while (_chains.Count > Parley.Crypto.Sessions.SessionLimits.MaxReceiverChains)
                {
                    _discarded.Add(_chains[0]);
                    _chains.RemoveAt(0);
                }
            }
        }
    }
}
