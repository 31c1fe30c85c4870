// The conversation as people expect it, between two browsers: formatting and a link that opens
// in a new tab (markup typed as HTML stays text), who is typing, a run of messages under one
// header, reactions seen live and taken back, a reply that leads back to what it answers, Up to
// edit one's last message, and a draft that survives a channel switch and a reload.
import { expect, test } from '@playwright/test';
import { api, messages, openChannel, reload, say, signUpByApi } from './helpers.js';

test('formatting, typing, grouping, reactions, replies, editing from the keyboard and drafts', async ({ browser }) => {
  const alice = await signUpByApi(browser, 'Alice Author');
  const bob = await signUpByApi(browser, 'Bob Reader');
  const server = await api(alice, 'create_server', { name: 'Talk Club' });
  await api(alice, 'create_channel', { server_id: server.id, name: 'random', kind: 'TEXT' });
  const details = await api(alice, 'load_server', { server_id: server.id });
  await api(bob, 'join_server', { code: details.invite_code });
  const general = details.channels.find((c) => c.name === 'general');
  const alicePage = await openChannel(alice, server.id, general.id);
  const bobPage = await openChannel(bob, server.id, general.id);

  // Formatting arrives as formatting; HTML typed in a message is only text. The address is a
  // link for a new tab (not followed here: the tests reach nothing beyond this machine).
  await say(alicePage, '**bold move** and ~~gone~~ see https://example.com/docs <b>not html</b>');
  // Her message, not the replies that quote it.
  const original = (page) => messages(page).filter({ has: page.locator('strong', { hasText: 'bold move' }) });
  const formatted = original(bobPage);
  await expect(formatted.locator('strong')).toHaveText('bold move');
  await expect(formatted.locator('s')).toHaveText('gone');
  const link = formatted.getByRole('link', { name: 'https://example.com/docs' });
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer nofollow');
  await expect(formatted).toContainText('<b>not html</b>');
  await expect(formatted.locator('.message-text b')).toHaveCount(0);

  // While she writes, Bob reads that she is typing (she does not see herself); her message
  // ends it. (Her browser says so every 3 s at most, the first time with her last message.)
  const aliceComposer = alicePage.getByLabel('Message #general');
  await aliceComposer.pressSequentially('and one more', { delay: 350 });
  await expect(bobPage.locator('.typing-line')).toHaveText('Alice Author is typing…');
  await expect(alicePage.locator('.typing-line')).toHaveText('');
  await aliceComposer.pressSequentially(' thing');
  await aliceComposer.press('Enter');
  await expect(bobPage.locator('.typing-line')).toHaveText('');

  // A second message right after hers goes under the same header.
  const more = messages(bobPage).filter({ hasText: 'and one more thing' });
  await expect(more).toHaveClass(/grouped/);
  await expect(more.locator('.message-author')).toHaveCount(0);
  await expect(formatted.locator('.message-author')).toHaveText('Alice Author');

  // Bob reacts from the picker, searching by name; Alice sees it live and adds hers.
  await formatted.hover();
  await formatted.getByRole('button', { name: 'Add reaction' }).click();
  await bobPage.getByLabel('Search emoji').fill('thumbs up');
  await bobPage.getByRole('button', { name: 'thumbs up', exact: true }).click();
  const onAlice = original(alicePage);
  const chip = (page, count) => original(page)
    .getByRole('button', { name: new RegExp(`^👍 ${count}:`) });
  await expect(chip(alicePage, 1)).toHaveAttribute('title', 'Bob Reader reacted with 👍');
  await expect(chip(alicePage, 1)).toHaveAttribute('aria-pressed', 'false');
  await chip(alicePage, 1).click();
  await expect(chip(alicePage, 2)).toHaveAttribute('aria-pressed', 'true');
  await expect(chip(bobPage, 2)).toHaveAttribute('title', 'Bob Reader and Alice Author reacted with 👍');
  // Taken back with the same click, seen by the other side.
  await chip(bobPage, 2).click();
  await expect(chip(alicePage, 1)).toHaveAttribute('title', 'Alice Author reacted with 👍');
  await chip(alicePage, 1).click();
  await expect(onAlice.getByRole('group', { name: 'Reactions' })).toHaveCount(0);
  await expect(formatted.getByRole('group', { name: 'Reactions' })).toHaveCount(0);

  // Bob answers her message: the composer says so (Escape drops it, Reply again takes it up),
  // and his reply quotes hers; her quote leads back to the original.
  const bobComposer = bobPage.getByLabel('Message #general');
  await formatted.hover();
  await formatted.getByRole('button', { name: 'Reply' }).click();
  await expect(bobPage.getByText('Replying to Alice Author')).toBeVisible();
  await expect(bobComposer).toBeFocused();
  await bobComposer.press('Escape');
  await expect(bobPage.getByText('Replying to Alice Author')).toHaveCount(0);
  await formatted.hover();
  await formatted.getByRole('button', { name: 'Reply' }).click();
  await bobComposer.fill('agreed');
  await bobComposer.press('Enter');
  await expect(bobPage.getByText('Replying to Alice Author')).toHaveCount(0);
  const answer = messages(alicePage).filter({ hasText: 'agreed' });
  const quote = answer.getByRole('button', { name: /^Replying to Alice Author: bold move and gone see/ });
  await expect(quote).toBeVisible();
  await quote.click();
  await expect(onAlice).toHaveClass(/flash/);

  // Up in an empty composer edits one's last message; Enter saves it, and the caret goes back.
  await say(bobPage, 'helo everyone');
  const composer = bobPage.getByLabel('Message #general');
  await composer.press('ArrowUp');
  const edit = bobPage.getByRole('textbox', { name: 'Edit message' });
  await expect(edit).toBeFocused();
  await expect(edit).toHaveValue('helo everyone');
  await edit.fill('hello everyone');
  await edit.press('Enter');
  await expect(messages(alicePage).filter({ hasText: 'hello everyone' })).toContainText('(edited)');
  await expect(composer).toBeFocused();

  // A draft stays with its channel through a switch and a reload, and goes once sent.
  await composer.fill('half a thought');
  await bobPage.getByRole('link', { name: 'random' }).click();
  await expect(bobPage.getByLabel('Message #random')).toHaveValue('');
  await bobPage.getByRole('link', { name: 'general' }).click();
  await expect(bobPage.getByLabel('Message #general')).toHaveValue('half a thought');
  await reload(bobPage);
  await expect(bobPage.getByLabel('Message #general')).toHaveValue('half a thought');
  await bobPage.getByLabel('Message #general').press('Enter');
  await expect(messages(alicePage).filter({ hasText: 'half a thought' })).toBeVisible();
  await reload(bobPage);
  await expect(bobPage.getByLabel('Message #general')).toHaveValue('');

  for (const page of [alicePage, bobPage]) expect(page.problems).toEqual([]);
});
