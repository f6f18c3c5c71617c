// Webex resources, as much of them as the product reads and sends.

export interface WebexPerson {
  id: string;
  emails: string[];
  displayName: string;
  firstName?: string;
  lastName?: string;
  nickName?: string;
  type?: 'person' | 'bot' | 'appuser';
  orgId?: string;
}

export interface WebexRoom {
  id: string;
  title: string;
  type: 'direct' | 'group';
  isLocked?: boolean;
  creatorId?: string;
  created?: string;
  lastActivity?: string;
}

export interface WebexMembership {
  id: string;
  roomId: string;
  personId: string;
  personEmail: string;
  personDisplayName?: string;
  isModerator?: boolean;
  created?: string;
}

export interface WebexAttachment {
  contentType: string;
  content: unknown;
}

export interface WebexMessage {
  id: string;
  roomId: string;
  roomType?: 'direct' | 'group';
  parentId?: string;
  text?: string;
  markdown?: string;
  html?: string;
  personId: string;
  personEmail: string;
  mentionedPeople?: string[];
  mentionedGroups?: string[];
  attachments?: WebexAttachment[];
  created: string;
  updated?: string;
}

export interface WebexWebhook {
  id: string;
  name: string;
  targetUrl: string;
  resource: string;
  event: string;
  filter?: string;
  secret?: string;
  status?: 'active' | 'inactive';
  created?: string;
  createdBy?: string;
  ownedBy?: string;
}

export interface WebexAttachmentAction {
  id: string;
  type: string;
  messageId: string;
  inputs: Record<string, unknown>;
  personId: string;
  roomId: string;
  created: string;
}

export interface NewWebexMessage {
  roomId: string;
  text?: string;
  markdown?: string;
  parentId?: string;
  attachments?: WebexAttachment[];
}

export interface NewWebexWebhook {
  name: string;
  targetUrl: string;
  resource: string;
  event: string;
  filter?: string;
  secret?: string;
}
