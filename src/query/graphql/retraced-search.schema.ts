import { GraphQLBoolean, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import type { AuditEventView } from '../audit-event.view';

/** What a resolver needs to answer `search` for one request. */
export interface SearchContext {
  search(args: SearchArgs): Promise<SearchConnection>;
  /** The directory's display name of a resolved actor, for the sentence. */
  displayNameOf?(guid: string): string | undefined;
  /** The project's own sentence for an event, when one of its display templates renders it. */
  sentenceOf?(event: AuditEventView, actorName: string | undefined): string | undefined;
}

export interface SearchArgs {
  query?: string | null;
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface SearchConnection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean };
  edges: { cursor: string; node: AuditEventView }[];
}

const keyValues = (map: Record<string, string> | null | undefined) => (map ? Object.entries(map).map(([key, value]) => ({ key, value })) : null);

const Field = new GraphQLObjectType({
  name: 'Field',
  fields: { key: { type: GraphQLString }, value: { type: GraphQLString } },
});

const Group = new GraphQLObjectType({
  name: 'Group',
  fields: { id: { type: GraphQLString }, name: { type: GraphQLString } },
});

const Actor = new GraphQLObjectType({
  name: 'Actor',
  fields: {
    id: { type: GraphQLString },
    name: { type: GraphQLString },
    href: { type: GraphQLString },
    fields: { type: new GraphQLList(Field), resolve: (actor: { fields: Record<string, string> | null }) => keyValues(actor.fields) },
    guid: { type: GraphQLString, description: 'The directory GUID the actor resolved to' },
  },
});

const Target = new GraphQLObjectType({
  name: 'Target',
  fields: {
    id: { type: GraphQLString },
    name: { type: GraphQLString },
    href: { type: GraphQLString },
    type: { type: GraphQLString },
    fields: { type: new GraphQLList(Field), resolve: (target: { fields: Record<string, string> | null }) => keyValues(target.fields) },
  },
});

const Display = new GraphQLObjectType({ name: 'Display', fields: { markdown: { type: GraphQLString } } });

/**
 * Retraced's default sentence (`**{actor.name}** performed the action **{action}** on the item
 * **{target.name}**.`, "An unknown actor" without a name), with the directory's display name for a
 * resolved actor. Event data is escaped, so an event cannot put links, images or HTML in a viewer.
 */
export function displayMarkdown(e: AuditEventView, directoryName?: string): string {
  const name = directoryName ?? e.actor?.name ?? undefined;
  let sentence = name ? `**${escapeMarkdown(name)}**` : '**An unknown actor**';
  sentence += ` performed the action **${escapeMarkdown(e.action)}**`;
  if (e.target?.name) sentence += ` on the item **${escapeMarkdown(e.target.name)}**`;
  return `${sentence}.`;
}

/** Every ASCII punctuation character markdown could read as syntax, backslash-escaped; line breaks become spaces. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!<>|~&"':=/@]/g, '\\$&');
}

const Event = new GraphQLObjectType<AuditEventView>({
  name: 'Event',
  fields: {
    id: { type: GraphQLString },
    action: { type: GraphQLString },
    description: { type: GraphQLString },
    group: { type: Group },
    actor: { type: Actor },
    target: { type: Target },
    crud: { type: GraphQLString },
    display: {
      type: Display,
      resolve: (e, _args, context: SearchContext) => {
        const directoryName = e.actor?.guid ? context.displayNameOf?.(e.actor.guid) : undefined;
        return { markdown: context.sentenceOf?.(e, directoryName ?? e.actor?.name ?? undefined) ?? displayMarkdown(e, directoryName) };
      },
    },
    received: { type: GraphQLString },
    created: { type: GraphQLString },
    canonical_time: { type: GraphQLString, resolve: (e) => e.created },
    is_failure: { type: GraphQLBoolean },
    is_anonymous: { type: GraphQLBoolean },
    source_ip: { type: GraphQLString },
    country: { type: GraphQLString, resolve: () => null },
    loc_subdiv1: { type: GraphQLString, resolve: () => null },
    loc_subdiv2: { type: GraphQLString, resolve: () => null },
    component: { type: GraphQLString },
    version: { type: GraphQLString },
    fields: { type: new GraphQLList(Field), resolve: (e) => keyValues(e.fields) },
    external_id: { type: GraphQLString },
    metadata: { type: new GraphQLList(Field), resolve: (e) => keyValues(e.metadata) },
    hash: { type: GraphQLString },
    raw: { type: GraphQLString, resolve: (e) => JSON.stringify(e) },
  },
});

const EventsConnection = new GraphQLObjectType({
  name: 'EventsConnection',
  fields: {
    totalCount: { type: new GraphQLNonNull(GraphQLInt) },
    pageInfo: {
      type: new GraphQLObjectType({
        name: 'PageInfo',
        fields: { hasNextPage: { type: GraphQLBoolean }, hasPreviousPage: { type: GraphQLBoolean } },
      }),
    },
    edges: {
      type: new GraphQLList(new GraphQLObjectType({ name: 'EventEdge', fields: { cursor: { type: GraphQLString }, node: { type: Event } } })),
    },
  },
});

/** Retraced's publisher GraphQL: `search(query, first, after, last, before)`. */
export const retracedSearchSchema = new GraphQLSchema({
  query: new GraphQLObjectType<unknown, SearchContext>({
    name: 'Query',
    fields: {
      search: {
        type: EventsConnection,
        args: {
          query: { type: GraphQLString },
          first: { type: GraphQLInt },
          after: { type: GraphQLString },
          last: { type: GraphQLInt },
          before: { type: GraphQLString },
        },
        resolve: (_root, args: SearchArgs, context) => context.search(args),
      },
    },
  }),
});
