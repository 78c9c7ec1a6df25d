using System.Text;
using Parley.Crypto.Groups;
using Parley.Crypto.Messages;
using Parley.Crypto.Tests.Support;

namespace Parley.Crypto.Tests.Properties;

/// <summary>
/// Random group traffic: every member sends, rekeys now and then, and each copy of a message is
/// delivered, dropped, reordered or duplicated independently per recipient. A model predicts every
/// outcome: decrypted once, then duplicate; and once a sender has rekeyed more than
/// <see cref="SenderKeyRecord.MaxStates"/> times since a message's chain, that message finds no key.
/// </summary>
public sealed class GroupDeliveryPropertyTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(100, 8)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Every_delivered_group_message_decrypts_once_or_fails_with_the_predicted_error(int seed)
    {
        var random = new Random(seed);
        var log = new StringBuilder();
        var group = Guid.NewGuid();
        var members = Enumerable.Range(0, 3 + seed % 2).Select(i => ParleyParty.Create($"m{i}")).ToArray();
        var known = new Dictionary<(int Receiver, int Sender), List<uint>>();
        var decrypted = new HashSet<(int Receiver, string Text)>();
        foreach (var sender in Enumerable.Range(0, members.Length))
        {
            await DistributeAsync(sender, await members[sender].GroupBuilder.CreateAsync(members[sender].Address, group));
        }

        var inFlight = new List<Copy>();
        var delivered = new List<Copy>();
        var outcomes = new Dictionary<string, int> { ["ok"] = 0, ["duplicate"] = 0, ["no key"] = 0 };
        for (var step = 0; step < 300; step++)
        {
            var roll = random.Next(100);
            if (roll < 30 || inFlight.Count == 0)
            {
                var sender = random.Next(members.Length);
                var text = $"#{step} from m{sender}";
                var message = await members[sender].Group.EncryptAsync(members[sender].Address, group, Encoding.UTF8.GetBytes(text));
                inFlight.AddRange(Enumerable.Range(0, members.Length).Where(r => r != sender).Select(r => new Copy(sender, r, text, message.Serialize())));
                log.AppendLine($"{step}: m{sender} sends {text} on chain {message.ChainId}");
            }
            else if (roll < 35)
            {
                var sender = random.Next(members.Length);
                var distribution = await members[sender].GroupBuilder.RekeyAsync(members[sender].Address, group);
                await DistributeAsync(sender, distribution);
                log.AppendLine($"{step}: m{sender} rekeys to chain {distribution.ChainId}");
            }
            else if (roll < 75)
            {
                var copy = Take(inFlight, random);
                await DeliverAsync(copy, step);
                delivered.Add(copy);
            }
            else if (roll < 85)
            {
                log.AppendLine($"{step}: drop {Take(inFlight, random).Text} for m{step % members.Length}");
            }
            else if (delivered.Count > 0)
            {
                await DeliverAsync(delivered[random.Next(delivered.Count)], step);
            }
        }
        while (inFlight.Count > 0)
        {
            await DeliverAsync(Take(inFlight, random), -1);
        }
        Assert.True(outcomes["ok"] > 50 && outcomes["duplicate"] > 0, $"seed {seed}: {string.Join(", ", outcomes)}\n{log}");

        async Task DistributeAsync(int sender, SenderKeyDistributionMessage distribution)
        {
            for (var receiver = 0; receiver < members.Length; receiver++)
            {
                if (receiver == sender)
                {
                    continue;
                }
                await members[receiver].GroupBuilder.ProcessAsync(members[sender].Address, SenderKeyDistributionMessage.Deserialize(distribution.Serialize()));
                var chains = known.TryGetValue((receiver, sender), out var list) ? list : known[(receiver, sender)] = [];
                chains.Insert(0, distribution.ChainId);
                if (chains.Count > SenderKeyRecord.MaxStates)
                {
                    chains.RemoveAt(chains.Count - 1);
                }
            }
        }

        async Task DeliverAsync(Copy copy, int step)
        {
            var message = SenderKeyMessage.Deserialize(copy.Bytes);
            var expected = !known[(copy.Receiver, copy.Sender)].Contains(message.ChainId) ? "no key"
                : decrypted.Contains((copy.Receiver, copy.Text)) ? "duplicate" : "ok";
            string outcome;
            try
            {
                var plaintext = await members[copy.Receiver].Group.DecryptAsync(members[copy.Sender].Address, message);
                Assert.Equal(copy.Text, Encoding.UTF8.GetString(plaintext));
                decrypted.Add((copy.Receiver, copy.Text));
                outcome = "ok";
            }
            catch (DuplicateMessageException)
            {
                outcome = "duplicate";
            }
            catch (NoSenderKeyStateException)
            {
                outcome = "no key";
            }
            outcomes[outcome]++;
            log.AppendLine($"{step}: deliver {copy.Text} to m{copy.Receiver}: {outcome} (model: {expected})");
            Assert.True(expected == outcome, $"seed {seed}: {copy.Text} at m{copy.Receiver}: got {outcome}, the model predicted {expected}\n{log}");
        }
    }

    private static Copy Take(List<Copy> inFlight, Random random)
    {
        var index = random.Next(inFlight.Count);
        var copy = inFlight[index];
        inFlight.RemoveAt(index);
        return copy;
    }

    private sealed record Copy(int Sender, int Receiver, string Text, byte[] Bytes);
}
